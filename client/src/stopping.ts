// A request VS Code makes of the server (code actions for the open editor) can be in flight when
// the client stops: a window closing, a restart. Once the client is no longer running, its
// failure means "no answer", not an error for the extension host's log ("provider FAILED").

/** `request()`, or `none` when the client is not running before or after it. */
export async function unlessStopped<T>(running: () => boolean, request: () => Thenable<T> | T, none: T): Promise<T> {
  if (!running()) {
    return none;
  }
  try {
    return await request();
  } catch (error) {
    if (!running()) {
      return none;
    }
    throw error;
  }
}
