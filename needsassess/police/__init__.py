"""Police-recorded domestic abuse: an incident-level extract -> counts, rates per 1,000, repeats, wards, trend.

Import from the module that owns a name (this file imports nothing, so that `assessment.py` can name the
result types without importing the stage):

- `codes`: the fields of an extract, their header synonyms and the code books;
- `read`: the extract -> `Incidents` (header row found, every cell checked, victim keys pseudonymised);
- `deprivation`: deprivation by ward or LSOA, and counts for peer areas, from tables the user supplies;
- `periods`: financial or calendar years (`Period`, `parse_period`);
- `indicators`, `places`, `analyse`: `analyse_police` -> `PoliceResult`, unsuppressed counts and rates
  (the indicators; wards, deprivation deciles and peers; the rest of the analysis);
- `options`: the [police] section checked (`police_options`), its files read (`read_police`) and analysed
  (`analyse_inputs`, `run_police`);
- `stage`: the police stage of `needsassess run` (its result on the `Assessment`, its sheet published).

Suppression is applied when the tables are published (report/sheets/police.py).
"""
