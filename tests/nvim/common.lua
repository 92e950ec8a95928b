-- Shared by the headless Neovim scripts (tests/test_neovim.py): start `pyproj-doctor lsp` with
-- Neovim's built-in client on $FIXTURE, wait for diagnostics, write what was seen to $RESULT.
local M = {}

M.root = vim.env.FIXTURE
M.result = { diagnostics = {}, actions = {}, applied = false, error = vim.NIL }

function M.finish()
  vim.fn.writefile({ vim.fn.json_encode(M.result) }, vim.env.RESULT)
  vim.cmd("qall!")
end

-- Open `rel` under the fixture and attach a fresh client; returns the buffer and the client.
function M.open(rel)
  vim.cmd("edit " .. vim.fn.fnameescape(M.root .. "/" .. rel))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "pyproj-doctor",
    cmd = { vim.env.PYTHON, "-m", "pyproj_doctor", "lsp" },
    root_dir = M.root,
    workspace_folders = { { uri = vim.uri_from_fname(M.root), name = "fixture" } },
  })
  assert(client_id, "the server did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)
  return bufnr, vim.lsp.get_client_by_id(client_id)
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

-- Wait until the buffer holds a diagnostic with `code`; record every diagnostic of the buffer
-- (code, message, 0-based range) and return the first one with `code`.
function M.wait_for(bufnr, code)
  local seen = vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if code_of(d) == code then
        return true
      end
    end
    return false
  end, 50)
  local target
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(M.result.diagnostics, {
      code = code_of(d),
      message = d.message,
      source = d.source,
      range = { d.lnum, d.col, d.end_lnum or d.lnum, d.end_col or d.col },
    })
    if code_of(d) == code and target == nil then
      target = d
    end
  end
  assert(seen and target, "no " .. code .. " diagnostic arrived")
  return target
end

-- Ask for the code actions at the diagnostic, apply the one whose title names its code (or holds
-- `wanted`, such as an alternative's "unsafe, instead") with Neovim's own WorkspaceEdit code, and
-- save every buffer.
function M.apply_fix(bufnr, client, target, wanted)
  local code = code_of(target)
  wanted = wanted or ("(" .. code .. ")")
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
    table.insert(M.result.actions, action.title)
    if chosen == nil and action.title:find(wanted, 1, true) then
      chosen = action
    end
  end
  assert(chosen and chosen.edit, "no " .. code .. " quick fix titled " .. wanted)
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
  vim.cmd("silent wall")
  M.result.applied = true
end

-- Run `body` (given this module); a failure is recorded as the result's error. Always finishes.
function M.run(body)
  local ok, err = pcall(body, M)
  if not ok then
    M.result.error = tostring(err)
  end
  M.finish()
end

return M
