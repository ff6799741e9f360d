"""The cost to society of domestic abuse: `unit_costs` multiplies counts by a pack's unit costs (per victim
or per recorded crime), by category and per head, uplifted to a price year; `crimes` reads police crime
counts by offence type; `stage` is the run's cost stage ([cost])."""

from needsassess.costs.crimes import match_offence, offence_label, read_crime_counts
from needsassess.costs.unit_costs import (
    METHOD_DESCRIPTIONS,
    METHOD_LABELS,
    NOT_AVAILABLE,
    CostMethod,
    CostResult,
    cost_per_crime,
    cost_per_victim,
    cost_table,
    financial_year,
    find_deflators,
    uplift_factor,
    victims_from_prevalence,
)

__all__ = [
    "METHOD_DESCRIPTIONS",
    "METHOD_LABELS",
    "NOT_AVAILABLE",
    "CostMethod",
    "CostResult",
    "cost_per_crime",
    "cost_per_victim",
    "cost_table",
    "financial_year",
    "find_deflators",
    "match_offence",
    "offence_label",
    "read_crime_counts",
    "uplift_factor",
    "victims_from_prevalence",
]
