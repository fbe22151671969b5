"""The engine: selects the rules (`selection`, from `config` and the `registry`), runs the pipeline
(`pipeline`: prepare the inventory, then lint it family by family), then applies suppressions and the
baseline. `kcheck.engine.pipeline.run` is the whole of `kcheck lint`."""
