"""A FAKE of the few Stripe endpoints TemuModal uses, for tests only. It is not Stripe.

Plugged in as the `http_client` of the real `stripe.StripeClient` (config STRIPE_HTTP_CLIENT),
so the library builds, encodes and parses every request and response as it would against
api.stripe.com; only the transport answers from memory. Endpoints: create / retrieve (with
`expand[]=payment_intent`) / expire a Checkout Session, create a refund, retrieve a charge,
retrieve a PaymentIntent (what it received).
Idempotency keys are honoured: the same key returns the first answer. Test helpers play the
buyer and Stripe's side (complete a payment, settle or fail a delayed one, refund on the
dashboard) and build webhook events signed with Stripe's scheme. No network is used, and no
live Stripe call has been made by these tests.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import stripe


class FakeStripe(stripe.HTTPClient):
    name = "temumodal-fake-stripe"

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.intent_metadata: dict[str, dict] = {}  # by session: payment_intent_data[metadata]
        self.idempotent: dict[str, tuple[str, int, dict]] = {}
        self.calls: list[tuple[str, str, dict, str | None]] = []
        self.down = False  # True: every request fails as if Stripe could not be reached

    # --- the transport --------------------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        if self.down:
            raise stripe.APIConnectionError("fake Stripe is down")
        parts = urlsplit(url)
        params = dict(parse_qsl(post_data or "")) | dict(parse_qsl(parts.query))
        key = (headers or {}).get("Idempotency-Key")
        with self.lock:
            self.calls.append((method.upper(), parts.path, params, key))
            if key and key in self.idempotent:
                return self.idempotent[key]
            body, status = self._route(method.upper(), parts.path, params)
            response = (json.dumps(body), status, {"request-id": f"req_fake_{next(self.ids)}"})
            if key and status < 500:
                self.idempotent[key] = response
            return response

    def close(self):
        pass

    def _route(self, method, path, params):
        segments = path.strip("/").split("/")
        if segments[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(segments) == 3:
                return self._create_session(params), 200
            session = self.sessions.get(segments[3]) if len(segments) > 3 else None
            if session is None:
                return _error("No such checkout.session"), 404
            if method == "GET":
                return self._session_view(session, params), 200
            if segments[4:] == ["expire"]:
                if session["status"] != "open":
                    return _error("Only open sessions can be expired"), 400
                session["status"] = "expired"
                return self._session_view(session, {}), 200
        if segments[:2] == ["v1", "refunds"] and method == "POST":
            return self._create_refund(params)
        if segments[:2] == ["v1", "payment_intents"] and method == "GET" and len(segments) == 3:
            intent = self.intents.get(segments[2])
            if intent is None:
                return _error("No such payment_intent"), 404
            return dict(intent), 200
        if segments[:2] == ["v1", "charges"] and method == "GET" and len(segments) == 3:
            charge = self.charges.get(segments[2])
            if charge is None:
                return _error("No such charge"), 404
            view = dict(charge)
            if "payment_intent" in [v for k, v in params.items() if k.startswith("expand")]:
                view["payment_intent"] = dict(self.intents[charge["payment_intent"]])
            return view, 200
        return _error(f"fake Stripe does not know {method} {path}"), 404

    def _create_session(self, params):
        n = next(self.ids)
        session = {
            "id": f"cs_test_fake_{n}",
            "object": "checkout.session",
            "url": f"https://checkout.stripe.com/c/pay/cs_test_fake_{n}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params["mode"],
            "currency": params["line_items[0][price_data][currency]"],
            "amount_total": int(params["line_items[0][price_data][unit_amount]"])
            * int(params["line_items[0][quantity]"]),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "customer_email": params.get("customer_email"),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "expires_at": int(params["expires_at"]),
            "payment_intent": None,
        }
        self.sessions[session["id"]] = session
        self.intent_metadata[session["id"]] = {
            k[len("payment_intent_data[metadata][") : -1]: v
            for k, v in params.items()
            if k.startswith("payment_intent_data[metadata][")
        }
        return self._session_view(session, {})

    def _session_view(self, session, params):
        view = dict(session)
        expand = [v for k, v in params.items() if k.startswith("expand")]
        if "payment_intent" in expand and session["payment_intent"]:
            view["payment_intent"] = dict(self.intents[session["payment_intent"]])
        return view

    def _create_refund(self, params):
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return _error("This PaymentIntent has no successful charge to refund"), 400
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
        if charge["amount_refunded"] + amount > charge["amount"]:
            return _error("Refund is greater than unrefunded amount"), 400
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund = {
            "id": f"re_fake_{next(self.ids)}",
            "object": "refund",
            "amount": amount,
            "status": "succeeded",
            "charge": charge["id"],
            "payment_intent": intent["id"],
        }
        self.refunds[refund["id"]] = refund
        return refund, 200

    # --- the buyer's and Stripe's side --------------------------------------------------------
    def pay(self, session_id: str, *, delayed: bool = False, amount: int | None = None) -> None:
        """The buyer pays on Checkout: by card (paid at once) or a delayed method (processing).
        `amount` (minor units) overrides what Stripe records, to test a mismatch."""
        with self.lock:
            session = self.sessions[session_id]
            n = next(self.ids)
            intent = {
                "id": f"pi_fake_{n}",
                "object": "payment_intent",
                "status": "processing" if delayed else "succeeded",
                "amount": amount or session["amount_total"],
                "amount_received": 0,
                "currency": session["currency"],
                "latest_charge": None,
                "metadata": dict(self.intent_metadata.get(session_id, {})),
            }
            session["status"] = "complete"
            session["payment_intent"] = intent["id"]
            if amount is not None:
                session["amount_total"] = amount
            self.intents[intent["id"]] = intent
            if delayed:
                return
            self._charge(session, intent)

    def _charge(self, session, intent):
        charge = {
            "id": f"ch_fake_{next(self.ids)}",
            "object": "charge",
            "amount": session["amount_total"],
            "amount_captured": session["amount_total"],
            "amount_refunded": 0,
            "refunded": False,
            "payment_intent": intent["id"],
        }
        self.charges[charge["id"]] = charge
        intent["latest_charge"] = charge["id"]
        intent["status"] = "succeeded"
        intent["amount_received"] = charge["amount"]
        session["payment_status"] = "paid"

    def settle(self, session_id: str, *, succeed: bool) -> None:
        """A delayed payment succeeds or fails."""
        with self.lock:
            session = self.sessions[session_id]
            intent = self.intents[session["payment_intent"]]
            if succeed:
                self._charge(session, intent)
            else:
                intent["status"] = "requires_payment_method"

    def expire(self, session_id: str) -> None:
        with self.lock:
            self.sessions[session_id]["status"] = "expired"

    def refund_on_dashboard(self, session_id: str, amount: int | None = None) -> str:
        """An organiser refunds in Stripe's dashboard; returns the charge id."""
        intent = self.intents[self.sessions[session_id]["payment_intent"]]
        body, status = self._create_refund(
            {"payment_intent": intent["id"], **({"amount": amount} if amount else {})}
        )
        assert status == 200, body
        return intent["latest_charge"]

    def charge_of(self, session_id: str) -> str:
        return self.intents[self.sessions[session_id]["payment_intent"]]["latest_charge"]

    # --- webhooks -------------------------------------------------------------------------------
    def event(self, type_: str, object_id: str) -> bytes:
        """A webhook payload as Stripe sends it (a snapshot of the object as it is now)."""
        obj = self.sessions.get(object_id) or self.charges.get(object_id) or {"id": object_id}
        payload = {
            "id": f"evt_fake_{next(self.ids)}",
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "type": type_,
            "data": {"object": dict(obj)},
        }
        return json.dumps(payload).encode()


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload` by Stripe's documented scheme,
    `t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")`, made here rather than by the
    library so the library's verifier is checked against the scheme itself."""
    timestamp = timestamp or int(time.time())
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _error(message: str) -> dict:
    return {"error": {"type": "invalid_request_error", "message": message}}
