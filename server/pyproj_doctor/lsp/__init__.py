"""The language server face: pygls over stdio, thin over the engine."""
