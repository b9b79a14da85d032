"""Reference answers for the ``gru_variants`` assignment: ``reference`` is the student API that grading
compares against; ``conventions`` (course vs PyTorch GRU), ``mingru`` (Feng et al. 2024), ``training``
(the adding problem with Adam) and ``counts`` hold the implementations. Pure numpy, no torch."""
