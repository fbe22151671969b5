"""The CEL engine shared by the analyzers: `program` (compile, evaluate, budget, errors), `library` (the
Kubernetes CEL libraries), `values` (decoded YAML as schema-typed CEL values). Importing this package
imports no CEL: celpy loads with the first compiled expression."""
