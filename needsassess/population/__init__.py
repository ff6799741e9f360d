"""The local population by sex and single year of age: `read` takes every layout ONS and NOMIS publish to one
tidy `Population`; `stage` is the run's population stage (a file, or NOMIS, -> the chosen area and its peers)."""

from needsassess.population.read import (
    Population,
    check_ages,
    population_from_frame,
    population_in_ages,
    populations_in_bands,
    read_population,
    residents,
    select_area,
)

__all__ = [
    "Population",
    "check_ages",
    "population_from_frame",
    "population_in_ages",
    "populations_in_bands",
    "read_population",
    "residents",
    "select_area",
]
