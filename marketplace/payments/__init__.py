"""Paid pitch-day tickets: ticket types, seat holds, orders paid through Stripe Checkout,
receipts (kuitansi) and refunds. Only `gateway` talks to Stripe."""
