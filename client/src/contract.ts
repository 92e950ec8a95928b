// What the client and the server agree on, from the one file both read (see contract.py).
import data from "../../server/pyproj_doctor/lsp/contract.json";

export const DOCUMENTS: readonly string[] = data.documents;
export const SEVERITIES: readonly string[] = data.severities;
export const PYTHON_FLOOR: [number, number] = data.pythonFloor.split(".").map(Number) as [number, number];
export const PYTHON_FLOOR_TEXT = data.pythonFloor;
export const CHECKED_NOTIFICATION: string = data.checkedNotification;
export const EXPLAIN_COMMAND: string = data.explainCommand;
