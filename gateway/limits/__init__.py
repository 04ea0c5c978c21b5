"""Operation limits (parser limits, depth, height, aliases, root fields, directives) and cost."""
