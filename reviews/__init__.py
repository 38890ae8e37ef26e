"""The umbrella project and its registry: the lowest of the four apps.

Layers point down only: dataio → synthesis → appraisal → reviews → the pure science modules
(`make lint` checks it with import-linter). Where this app needs something only an upper app
knows, the upper app plugs it in from its `AppConfig.ready()`, so nothing here imports it:

- the consensus AMSTAR 2 rating of a review: `registry.ratings.register_consensus` (appraisal);
- the models whose audit history the history page shows: `history.tracking.track` (this app
  lists its own in `history/tracking.py`), with who may read a record's history and whether
  it is restored (the appraisal app's blinding rule, `appraisal.visibility`);
- the lines of the publish checklist: `publishing.checks.register_check` (this app registers
  its own in `publishing/checks.py`).
"""
