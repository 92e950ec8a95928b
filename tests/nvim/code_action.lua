-- Neovim's built-in LSP client against `pyproj-doctor lsp` (run headless by tests/test_neovim.py).
-- Opens the fixture's pyproject.toml, waits for our diagnostics, asks for code actions on the
-- PD201 finding, applies the quick fix with Neovim's own WorkspaceEdit code, saves, and writes
-- what it saw to $RESULT as JSON.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(here .. "common.lua").run(function(lsp)
  local bufnr, client = lsp.open("pyproject.toml")
  local target = lsp.wait_for(bufnr, "PD201")
  lsp.apply_fix(bufnr, client, target)
  client.stop()
end)
