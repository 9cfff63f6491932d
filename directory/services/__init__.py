"""Services: the operations that combine store reads with rules or scores.

GraphQL resolvers and CLI commands are entry points only; every rule they
apply lives here, once, so both give the same answer. A service takes the
store (the port, never an adapter) and plain arguments, may call the pure
functions of ``scoring``, and raises the errors of :mod:`directory.errors`.

    adequacy            network adequacy (42 CFR 422.116): coverage, minimum numbers, gaps and fixes
    api_keys            API keys: issuing, revoking, their format and hash, verifying them
    benefit_gap         an employer's benefit gap audit: employees within reach of each TRD treatment
    criteria            vetting criteria as data: their format, validation, the default
    exclusions          exclusion-list records matched to providers, attached, reinstated
                        (the rules of a match: exclusion_rules)
    fact_status         freshness and agreement of each fact about a provider
    matches             decisions on entity-resolution pairs (merge, reject, undo)
    matching            patient-to-provider matching (matchProviders), and search ordered by TRD expertise
    member_export       a network's members as CSV
    member_review       what changed in each member's vetting since the last review
    network_candidates  providers in a vetted network's regions who meet its criteria, not yet members
    network_lifecycle   networks created, renamed, given regions, reviewed, archived; their history
    network_reports     members by specialty and county, stale or contradicted listings, directory accuracy
    network_vetting     each member verified / needs review / failed per network, recorded with history
    networks            network membership with a curator's decision, and the vetting rule of employer networks
    outcomes            outcome aggregates: what may be shown, what a score may use
    regions             a vetted network's regions (states, ZIP and radius)
    vetting             vetting and TRD expertise of providers
"""
