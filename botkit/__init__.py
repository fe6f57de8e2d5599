"""botkit."""
