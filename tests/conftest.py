import os

from hypothesis import HealthCheck, settings

# hypothesis loads its own "ci" profile when CI is set; only choose a profile when asked to.
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "fuzz",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
if "HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif not os.environ.get("CI"):
    settings.load_profile("dev")
