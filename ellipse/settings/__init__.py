"""Settings: `base` reads everything from the environment, `production` hardens it, `test` is
the small overlay used by pytest."""
