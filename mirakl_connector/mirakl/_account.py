"""Account and platform calls: who the key belongs to and how the operator is configured."""

from . import schemas


class AccountMixin:
    """A01, PC01, V01."""

    def get_account(self):
        """A01: the shop behind the key (id, name, state, currency, contact)."""
        return self._parse("A01", schemas.Account, self.get_json("A01", "/api/account"))

    def get_platform_configuration(self):
        """PC01: operator settings (tax mode, acceptance, multi-shipment, channel pricing...)."""
        payload = self.get_json("PC01", "/api/platform/configuration")
        return self._parse("PC01", schemas.PlatformConfiguration, payload)

    def get_version(self):
        """V01: Mirakl's version; a cheap health check (the spec documents only the status)."""
        response = self.request("V01", "GET", "/api/version")
        return self._decode("V01", response) if response.content else {}
