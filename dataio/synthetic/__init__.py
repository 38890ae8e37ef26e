"""A deterministic synthetic umbrella review, for benchmarks and scale tests: `project`
(generate, fingerprint), with its `evidence` and `qualitative` parts."""
