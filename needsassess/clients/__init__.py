"""Agency client data: schema, mapping, reading, validation, pseudonymisation and merging."""
