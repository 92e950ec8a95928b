-- Neovim's built-in LSP client against `pyproj-doctor lsp` (run headless by tests/test_neovim.py).
-- Opens the fixture's pyproject.toml, waits for our diagnostics, asks for code actions on the
-- PD201 finding, applies the quick fix with Neovim's own WorkspaceEdit code, saves, and writes
-- what it saw to $RESULT as JSON.
local root = vim.env.FIXTURE
local result = { diagnostics = {}, actions = {}, applied = false, error = vim.NIL }

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.RESULT)
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/pyproject.toml"))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "pyproj-doctor",
    cmd = { vim.env.PYTHON, "-m", "pyproj_doctor", "lsp" },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = "fixture" } },
  })
  assert(client_id, "the server did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)
  local client = vim.lsp.get_client_by_id(client_id)

  local seen = vim.wait(30000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  assert(seen, "no diagnostics arrived")

  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(result.diagnostics, { code = code, lnum = d.lnum, col = d.col, source = d.source })
    if code == "PD201" then
      target = d
    end
  end
  assert(target, "no PD201 diagnostic")

  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = {
      start = { line = target.lnum, character = target.col },
      ["end"] = { line = target.end_lnum or target.lnum, character = target.end_col or target.col },
    },
    context = { diagnostics = {} },
  }
  local response = client.request_sync("textDocument/codeAction", params, 20000, bufnr)
  assert(response and response.result, "no code action response: " .. vim.inspect(response))
  local chosen
  for _, action in ipairs(response.result) do
    table.insert(result.actions, action.title)
    if action.title:find("PD201", 1, true) then
      chosen = action
    end
  end
  assert(chosen and chosen.edit, "no PD201 quick fix")
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
  vim.cmd("silent wall")
  result.applied = true
  client.stop()
end)

if not ok then
  result.error = tostring(err)
end
finish()
