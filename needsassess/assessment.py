"""The result of a run: what every stage adds to and every writer reads.

`Assessment` sits below both the stages (which fill it in) and the writers (which only read it), so neither
depends on the orchestrator in pipeline.py. Each result it holds is defined beside the estimator that makes
it (`PrevalenceResult` in prevalence, `PoliceResult` in police, ...).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from needsassess.config import AssessmentConfig
from needsassess.disclosure import Rule, SuppressionEntry, get_rule
from needsassess.errors import ConfigError, Problem
from needsassess.outputs import sha256_file
from needsassess.packs import Kind, Pack, load_pack

if TYPE_CHECKING:
    import pandas as pd

    from needsassess.background import Pending
    from needsassess.clients.agencies import AgencyResult
    from needsassess.costs import CostResult
    from needsassess.police.analyse import PoliceResult
    from needsassess.police.options import PoliceInputs
    from needsassess.population import Population
    from needsassess.prevalence import PrevalenceResult
    from needsassess.profile.client_profile import ClientProfile
    from needsassess.profile.publish import PublishedProfile
    from needsassess.provision import ProvisionResult, ReachResult
    from needsassess.report.model import Sheet


@dataclass
class InputFile:
    """An input the assessment read, recorded with its hash so a rerun can prove it used the same data."""

    role: str
    path: Path
    detail: str = ""
    sha256: str = ""

    def __post_init__(self) -> None:
        if not self.sha256 and self.path.is_file():
            self.sha256 = sha256_file(self.path)


@dataclass
class Download:
    """Public data fetched over the network (or read from the download cache) for this run."""

    role: str
    title: str
    detail: str
    sources: list[dict[str, Any]]  # url, retrieved (ISO), from_cache, sha256 of the body

    @property
    def from_cache(self) -> bool:
        return bool(self.sources) and all(s["from_cache"] for s in self.sources)

    @property
    def retrieved(self) -> str:
        return min(str(s["retrieved"]) for s in self.sources) if self.sources else ""


@dataclass
class Assessment:
    """Everything a run computed; writers read this and nothing else."""

    config: AssessmentConfig
    created: datetime
    population: Population | None = None  # the chosen area
    all_areas: Population | None = None  # the whole file, for peers and batch views
    prevalence: list[PrevalenceResult] = field(default_factory=list)
    costs: list[CostResult] = field(default_factory=list)
    agencies: AgencyResult | None = None  # merged, pseudonymised agency client records
    police: PoliceResult | None = None
    provision: ProvisionResult | None = None
    reach: ReachResult | None = None
    published: dict[str, Sheet] = field(default_factory=dict)  # police, provision, reach: as published
    inputs: list[InputFile] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    packs: dict[str, Pack] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    client_profile: ClientProfile | None = None  # unsuppressed: never written
    published_profile: PublishedProfile | None = None  # what the profile sheets publish
    suppression_log: list[SuppressionEntry] = field(default_factory=list)  # every hidden cell and why
    police_reading: Pending[PoliceInputs] | None = field(default=None, repr=False)  # begun by start_police

    @property
    def area_name(self) -> str:
        if self.population is not None and len(self.population.frame):
            return str(self.population.frame["area_name"].iloc[0])
        return self.config.area

    @property
    def area_code(self) -> str:
        if self.population is not None and len(self.population.frame):
            return str(self.population.frame["area_code"].iloc[0])
        return ""

    @property
    def disclosure_rule(self) -> Rule:
        """The small-number rule of [disclosure] (preset, optional threshold); lt5 by default."""
        section = self.config.section("disclosure")
        try:
            return get_rule(section.get("preset", "lt5"), threshold=section.get("threshold"))
        except ConfigError as exc:
            raise ConfigError(
                self.config.path, [Problem(p.slug, f"[disclosure] {p.message}") for p in exc.problems]
            ) from None

    @property
    def pack_dirs(self) -> list[Path]:
        return [self.config.resolve(d) for d in self.config.section("prevalence").get("pack_dirs", [])]

    def use_pack(self, ref: str, kind: Kind) -> Pack:
        """Load a pack once per run, from the shipped packs or the config's pack_dirs."""
        if ref in self.packs:
            return self.packs[ref]
        pack = load_pack(ref, extra_dirs=self.pack_dirs, kind=kind)
        self.packs[pack.id] = pack
        return pack

    def warn_if_not_verified(self, pack: Pack) -> None:
        """Say in the run's warnings when a pack holds figures not seen in the primary publication."""
        if not pack.all_verified:
            self.warnings.append(
                f'pack "{pack.id}" includes figures not seen in the primary publication '
                f"({', '.join(s for s in pack.statuses if s != 'verified')}); the Sources sheet marks them"
            )

    @property
    def clients(self) -> pd.DataFrame | None:
        """The merged, pseudonymised client table of the Agencies stage, if it ran."""
        return self.agencies.clients if self.agencies is not None else None


Stage = Callable[[Assessment], None]


@contextlib.contextmanager
def config_errors(config: AssessmentConfig) -> Iterator[None]:
    """Name assessment.toml in settings errors raised without a file."""
    try:
        yield
    except ConfigError as exc:
        if exc.file is None:
            raise ConfigError(config.path, exc.problems) from None
        raise
