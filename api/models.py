"""Imports every domain's models so Alembic and the app see the whole schema."""

from api.appointments.models import Appointment, AppointmentSlot  # noqa: F401
from api.audit.models import AuditEntry  # noqa: F401
from api.auth.models import User  # noqa: F401
from api.claims.models import Claim  # noqa: F401
from api.complaints.models import Complaint  # noqa: F401
from api.core.numbering import Counter  # noqa: F401
from api.customers.models import Customer  # noqa: F401
from api.data_requests.models import DataRequest  # noqa: F401
from api.escalation.models import EscalationStep  # noqa: F401
from api.feedback.models import Feedback  # noqa: F401
from api.handovers.models import Handover, HandoverMessage  # noqa: F401
from api.history.models import CaseEvent  # noqa: F401
from api.notifications.models import Notification  # noqa: F401
from api.policies.models import InsurancePolicy  # noqa: F401
from api.verification.models import VerificationAttempt  # noqa: F401
