"""SLA engine: Chinese working-day calendar and deadline evaluation as pure functions."""
