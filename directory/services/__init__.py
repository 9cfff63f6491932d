"""Services: the operations that combine store reads with rules or scores.

GraphQL resolvers and CLI commands are entry points only; every rule they
apply lives here, once, so both give the same answer. A service takes the
store (the port, never an adapter) and plain arguments, may call the pure
functions of ``scoring``, and raises the errors of :mod:`directory.errors`.

    matches     decisions on entity-resolution pairs (merge, reject, undo)
    matching    patient-to-provider matching (matchProviders), and search ordered by TRD expertise
    networks    network membership, with the vetting rule of employer networks
    vetting     vetting and TRD expertise of providers
"""
