"""`stocktake serve`: a web app over the catalog (extra [web]: FastAPI + uvicorn).

Pages and a JSON API for the dashboard, assets, the findings queue, finding detail and run
diffs, plus verdicts (confirm / reject / mark fixed) written back to the catalog. Import
`stocktake.web.app.create_app`; this package itself imports nothing heavy.
"""

from __future__ import annotations
