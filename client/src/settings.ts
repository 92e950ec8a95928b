// Maps VS Code settings to what the server reads under `pyprojDoctor` (workspace/configuration).
import { SEVERITIES as CONTRACT_SEVERITIES } from "./contract";
export interface ServerSettings {
  enable: boolean;
  select: string[];
  ignore: string[];
  severityOverrides: Record<string, string>;
  extraRecommendations: string[];
}

export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

const SEVERITIES = new Set(CONTRACT_SEVERITIES);

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.trim() !== "").map((v) => v.trim()) : [];
}

export function serverSettings(source: SettingsSource): ServerSettings {
  const overrides: Record<string, string> = {};
  const raw = source.get<unknown>("severityOverrides");
  if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [code, severity] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof severity === "string" && SEVERITIES.has(severity.toLowerCase())) {
        overrides[code.toUpperCase()] = severity.toLowerCase();
      }
    }
  }
  return {
    enable: source.get<boolean>("enable") !== false,
    select: strings(source.get("select")).map((c) => c.toUpperCase()),
    ignore: strings(source.get("ignore")).map((c) => c.toUpperCase()),
    severityOverrides: overrides,
    extraRecommendations: strings(source.get("extraRecommendations")),
  };
}
