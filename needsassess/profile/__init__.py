"""The needs profile of victims and perpetrators, and the Part 4 safe-accommodation tables.

From the merged client table (one row per person per agency episode, canonical fields of
`needsassess.clients.schema`) this package counts what a strategy is written from: "73% of clients have
children, almost one third report mental health issues, 83% experienced jealous and controlling
behaviour, the average length of abuse before support was 3 years" (Hartlepool Domestic Abuse Strategy
2016-2019). Everything but `publish` is pure and unsuppressed: frames in, counts out.

- `characteristics`: the items counted (`Characteristic`, `DEMOGRAPHICS`, `NEEDS`...), `Unit`, labels
- `counting`: people and referrals per agency (`combine_people`, `derive`), `ShareTable`, `DurationStats`
- `representation`: the population's shares (`PopulationShares`) and `compare_with_population`
- `victims`, `perpetrators`, `safe_accommodation`: `profile_victims`, `profile_perpetrators`,
  `profile_safe_accommodation` (the Domestic Abuse Act 2021 Part 4 tables)
- `client_profile`: `profile_clients` -> `ClientProfile`, all three together
- `publish`: `publish_profile` -> `PublishedProfile` (every table through disclosure control, the log),
  `headline_lines`
- `stage`: `profile_stage`, the [profile] section of a run (imported by the pipeline only)
"""
