// JSON Schema 2020-12 validator: compiled keyword trees, standard output units.
