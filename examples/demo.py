"""The main demo (issue 7): placeholder until the demo lands."""

print("make demo: coming in a later release.")
