"""Figures of the course notebooks, drawn from the equations by code (`grucourse.figures.catalog`)
and embedded as markdown-cell attachments (`grucourse.figures.embed`), so they travel inside the
notebook to JupyterLab, the released copies, formgrader and the feedback pages."""
