"""Reference GRU in float64 numpy: ``reference`` is the SPEC's student API (what grading compares
against), ``core`` the forward/BPTT engine behind it with the chapter's and PyTorch's conventions,
``torch_map`` the weight mapping to ``torch.nn.GRU`` (imports torch lazily)."""
