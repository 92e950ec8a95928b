-- Neovim's built-in LSP client hovers an import of a test module (run headless by
-- tests/test_neovim.py) and writes the markdown it got to $RESULT as JSON.
local root = vim.env.FIXTURE
local result = { hover = vim.NIL, error = vim.NIL }

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/tests/test_main.py"))
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
  assert(vim.wait(30000, function()
    return client.initialized
  end, 50), "the server did not initialize")
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = 0, character = 6 } }
  local response = client.request_sync("textDocument/hover", params, 30000, bufnr)
  assert(response and response.result, "no hover: " .. vim.inspect(response))
  result.hover = response.result.contents
  client.stop()
end)

if not ok then
  result.error = tostring(err)
end
vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.RESULT)
vim.cmd("qall!")
