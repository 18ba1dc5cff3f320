"""Companies in the admin, one module per concern: companies and their import/export
(``companies``), the staff's list of registrations (``registrations``) with its filters, inlines
and intermediate pages (``pages``), and the call queue (``call_queue``).

Every change of status goes through ``companies.services.selection``; calls and qualification
through ``companies.services.qualification``; reads come from ``companies.selectors``.
"""

from . import call_queue, companies, registrations

__all__ = ["call_queue", "companies", "registrations"]
