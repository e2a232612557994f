"""Personal data rights under UU PDP 27/2022 (issue 16): consent history, retention, breach
notices (and the rights requests). See docs/privacy.md."""
