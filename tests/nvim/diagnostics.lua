-- Open $OPEN under the fixture and record the diagnostics Neovim receives for it once one with
-- code $CODE has arrived (drift, two language servers, the import-hook note...).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(here .. "common.lua").run(function(lsp)
  local bufnr, client = lsp.open(vim.env.OPEN)
  lsp.wait_for(bufnr, vim.env.CODE)
  client.stop()
end)
