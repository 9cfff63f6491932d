"""What the outcome tests share: the documented header and the NPIs of the
two providers in their store (and one it lacks)."""

from __future__ import annotations

from directory.npi import make_npi

HEADER = (
    "npi,period_start,period_end,patients,phq9_baseline_mean,phq9_latest_mean,phq9_response_rate,"
    "phq9_remission_rate,gad7_change_mean,alliance_instrument,alliance_mean,dropout_rate"
)
ANN, BEN, STRANGER = make_npi("100000001"), make_npi("100000002"), make_npi("100000099")
