-- Open $OPEN under the fixture, wait for a diagnostic with code $CODE, ask for code actions on it,
-- apply the quick fix whose title names the code (or holds $TITLE) with Neovim's own WorkspaceEdit
-- code, save every buffer, and write what was seen to $RESULT (see common.lua).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(here .. "common.lua").run(function(lsp)
  local bufnr, client = lsp.open(vim.env.OPEN)
  local target = lsp.wait_for(bufnr, vim.env.CODE)
  lsp.apply_fix(bufnr, client, target, vim.env.TITLE)
  client.stop()
end)
