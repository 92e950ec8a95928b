-- A folder whose editor runs basedpyright (its extension recommended): the PD301 quick fix,
-- applied by Neovim, must write basedpyright's key, not Pylance's.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
dofile(here .. "common.lua").run(function(lsp)
  local bufnr, client = lsp.open(".vscode/settings.json")
  local target = lsp.wait_for(bufnr, "PD301")
  lsp.apply_fix(bufnr, client, target)
  client.stop()
end)
