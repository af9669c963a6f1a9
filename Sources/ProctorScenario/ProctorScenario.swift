// Scenario model and YAML loader with source positions.
