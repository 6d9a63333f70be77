"""Reference data calls (Mirakl: at most once a day): lists the seller maps to Odoo records."""

from . import schemas


class ReferenceMixin:
    """SH11, SH12, SH21, SH31, CH11, OF61, H11, AF01, RE01, CUR01, L01, DO01, OR75."""

    def list_shipping_zones(self):
        """SH11: shipping zones."""
        return self._get_list("SH11", "/api/shipping/zones", "shipping_zones", schemas.ShippingZone)

    def list_shipping_types(self):
        """SH12: shipping methods (standard, express, click & collect...)."""
        return self._get_list("SH12", "/api/shipping/types", "shipping_types", schemas.ShippingType)

    def list_carriers(self):
        """SH21: carriers known to the operator, with their tracking URL pattern."""
        return self._get_list("SH21", "/api/shipping/carriers", "carriers", schemas.Carrier)

    def list_logistic_classes(self):
        """SH31: logistic classes (parcel size classes that drive shipping fees)."""
        return self._get_list(
            "SH31", "/api/shipping/logistic_classes", "logistic_classes", schemas.LogisticClass
        )

    def list_channels(self):
        """CH11: sales channels of the operator."""
        return self._get_list("CH11", "/api/channels", "channels", schemas.Channel)

    def list_offer_conditions(self):
        """OF61: offer conditions (new, used, refurbished...)."""
        return self._get_list("OF61", "/api/offers/states", "offer_states", schemas.OfferCondition)

    def list_hierarchies(self):
        """H11: the operator's category tree, flattened with `parent_code`."""
        return self._get_list("H11", "/api/hierarchies", "hierarchies", schemas.Hierarchy)

    def list_additional_fields(self, entities=None):
        """AF01: custom field definitions, optionally for some entities (OFFER, SHOP, ORDER...)."""
        params = {"entities": ",".join(entities)} if entities else None
        return self._get_list(
            "AF01", "/api/additional_fields", "additional_fields", schemas.AdditionalField, params
        )

    def list_reasons(self):
        """RE01: reasons for refunds, cancellations, incidents and messages."""
        return self._get_list("RE01", "/api/reasons", "reasons", schemas.Reason)

    def list_currencies(self):
        """CUR01: currencies of the platform."""
        return self._get_list("CUR01", "/api/currencies", "currencies", schemas.Currency)

    def list_locales(self):
        """L01: locales active on the platform."""
        return self._get_list("L01", "/api/locales", "locales", schemas.Locale)

    def list_document_types(self, entities=None):
        """DO01: document types, optionally for some entities (ORDER, SHOP)."""
        params = {"entities": ",".join(entities)} if entities else None
        return self._get_list("DO01", "/api/documents", "documents", schemas.DocumentType, params)

    def list_order_taxes(self):
        """OR75: order taxes the operator may apply."""
        return self._get_list("OR75", "/api/orders/taxes", "taxes", schemas.OrderTax)
