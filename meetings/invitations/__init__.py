"""Invitations and agendas: PDF and ICS documents per participant, sent through the outbox."""
