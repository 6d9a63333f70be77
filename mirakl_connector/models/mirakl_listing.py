# Copyright 2026 mirakl_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..mapping import listing as listing_mapping

# Marketplace setting -> the keys tried, in order, to find a listing's product.
MATCH_STEPS = {
    "sku_then_barcode": ("sku", "barcode"),
    "barcode_then_sku": ("barcode", "sku"),
    "sku_only": ("sku",),
    "barcode_only": ("barcode",),
}
# Listing fields read to decide what an import changes and how to match products.
IMPORT_READ_FIELDS = ["offer_id", "import_hash", "product_id", "link_mode", "active", "shop_sku"]
IMPORT_READ_FIELDS += list(listing_mapping.BARCODE_FIELDS)


class MiraklListing(models.Model):
    """One offer of the shop on a Marketplace, as Mirakl last reported it, and the Odoo product
    it sells. Orders, stock and price exports find their product through it."""

    _name = "mirakl.listing"
    _description = "Mirakl Listing"
    _order = "shop_sku, id"
    _rec_names_search = ["shop_sku", "title", "offer_id"]
    _check_company_auto = True

    instance_id = fields.Many2one(
        "mirakl.instance",
        string="Marketplace",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(related="instance_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="instance_id.currency_id")
    active = fields.Boolean(
        default=True, help="Archived when the offer is deleted on Mirakl.", readonly=True
    )
    offer_id = fields.Char(string="Offer ID", required=True, readonly=True)
    shop_sku = fields.Char(
        string="Shop SKU", index=True, readonly=True, help="Your SKU for the offer on Mirakl."
    )
    product_sku = fields.Char(
        string="Operator Product SKU", readonly=True, help="The operator's catalogue product."
    )
    title = fields.Char(readonly=True)
    ean = fields.Char(string="EAN", index="btree_not_null", readonly=True)
    upc = fields.Char(string="UPC", index="btree_not_null", readonly=True)
    isbn = fields.Char(string="ISBN", index="btree_not_null", readonly=True)
    mpn = fields.Char(string="MPN", readonly=True)
    references = fields.Char(
        string="Product References", readonly=True, help="Every reference Mirakl sent, by type."
    )
    condition_id = fields.Many2one(
        "mirakl.offer.condition", readonly=True, check_company=True, ondelete="set null"
    )
    logistic_class_id = fields.Many2one(
        "mirakl.logistic.class", readonly=True, check_company=True, ondelete="set null"
    )
    channel_ids = fields.Many2many(
        "mirakl.channel",
        string="Channels",
        readonly=True,
        check_company=True,
        help="Channels the offer is sold on; none means every channel.",
    )
    price = fields.Monetary(readonly=True, help="Price every customer pays now.")
    origin_price = fields.Monetary(readonly=True, help="Price before discount.")
    discount_price = fields.Monetary(readonly=True)
    discount_start_date = fields.Datetime(readonly=True)
    discount_end_date = fields.Datetime(readonly=True)
    quantity = fields.Integer(readonly=True, help="Stock Mirakl shows for the offer.")
    leadtime_to_ship = fields.Integer(string="Lead Time to Ship (days)", readonly=True)
    min_order_quantity = fields.Integer(readonly=True)
    max_order_quantity = fields.Integer(readonly=True)
    mirakl_active = fields.Boolean(
        string="Active on Mirakl", readonly=True, help="Customers can buy the offer."
    )
    inactivity_reasons = fields.Char(readonly=True, help="Why Mirakl does not sell the offer.")
    deleted = fields.Boolean(string="Deleted on Mirakl", readonly=True)
    mirakl_update_date = fields.Datetime(string="Last Update on Mirakl", readonly=True)
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        help="Matched on import by internal reference or barcode (see the Marketplace's "
        "matching order). Choose one here to link the listing by hand: the import keeps it.",
    )
    link_mode = fields.Selection(
        [("auto", "Automatic"), ("manual", "Manual")],
        default="auto",
        required=True,
        readonly=True,
        help="Automatic links follow the SKU and barcodes on each import; manual ones are kept.",
    )
    import_hash = fields.Char(
        readonly=True, copy=False, help="Fingerprint of the values last imported from Mirakl."
    )
    references_missing = fields.Boolean(
        readonly=True,
        copy=False,
        help="Imported without its product references (Mirakl's offer export has none): they "
        "are read from the offer list (OF21) when the listing needs them to find its product.",
    )

    # Stock and price exports (issue 5): what Mirakl accepted last, what is on its way.
    own_stock_buffer = fields.Boolean(
        help="Keep back this listing's own number of units instead of the Marketplace's buffer."
    )
    stock_buffer = fields.Integer(
        help="Units of free stock not published on Mirakl for this listing."
    )
    exported_quantity = fields.Integer(
        string="Quantity Sent", readonly=True, copy=False, help="Last stock Mirakl accepted."
    )
    stock_export_key = fields.Char(readonly=True, copy=False)
    stock_pending_key = fields.Char(readonly=True, copy=False)
    stock_pending_quantity = fields.Integer(readonly=True, copy=False)
    stock_import_id = fields.Many2one(
        "mirakl.file.import",
        string="Last Stock Import",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    stock_export_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why Mirakl rejected the last stock sent; sent again next time.",
    )
    exported_price = fields.Monetary(
        string="Price Sent", readonly=True, copy=False, help="Last default price Mirakl accepted."
    )
    price_export_key = fields.Char(readonly=True, copy=False)
    price_pending_key = fields.Char(readonly=True, copy=False)
    price_pending_price = fields.Float(readonly=True, copy=False)
    price_import_id = fields.Many2one(
        "mirakl.file.import",
        string="Last Price Import",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    price_export_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why Mirakl rejected the last prices sent; sent again next time.",
    )

    _sql_constraints = [
        (
            "instance_offer_uniq",
            "UNIQUE(instance_id, offer_id)",
            "An offer is listed once per Marketplace.",
        ),
    ]

    @api.depends("shop_sku", "title", "offer_id")
    def _compute_display_name(self):
        for listing in self:
            name = listing.shop_sku or listing.offer_id
            listing.display_name = f"[{name}] {listing.title}" if listing.title else name

    def write(self, vals):
        # Choosing a product by hand freezes the link; imports say "auto" explicitly.
        if "product_id" in vals and "link_mode" not in vals:
            vals = {**vals, "link_mode": "manual"}
        return super().write(vals)

    def action_match_products(self):
        """Give the selected listings back to automatic matching and match them now."""
        for instance in self.instance_id:
            listings = self.filtered(lambda listing, i=instance: listing.instance_id == i)
            product_ids = self._mirakl_find_products(
                instance, [listing._mirakl_match_values() for listing in listings]
            )
            for listing, product_id in zip(listings, product_ids, strict=True):
                listing.write({"product_id": product_id, "link_mode": "auto"})

    @api.model
    def _mirakl_code_maps(self, instance):
        """Master-data ids by code, as ``listing_mapping.listing_values`` wants them."""
        domain = [("instance_id", "=", instance.id)]
        models_by_key = {
            "condition": "mirakl.offer.condition",
            "logistic_class": "mirakl.logistic.class",
            "channel": "mirakl.channel",
        }
        return {
            key: {
                record.code: record.id
                for record in self.env[model]
                .with_context(active_test=False)
                .search_fetch(domain, ["code"])
            }
            for key, model in models_by_key.items()
        }

    @api.model
    def _mirakl_import_offers(self, instance, offers, codes):
        """Create or update the listings of a batch of ``offers`` of ``instance``.

        Reads the batch's existing listings in one query, creates the new ones in one call,
        and writes only those whose imported values changed (by fingerprint). Offers Mirakl
        reports deleted archive their listing. Returns the counts (``linked``: unchanged
        listings that found their product, also counted as updated) and the
        ``(offer_id, message)`` of offers that could not be read.
        """
        result = dict.fromkeys(("created", "updated", "unchanged", "skipped", "linked"), 0)
        result["failures"] = []
        values_by_offer = {}
        for offer in offers:
            try:
                values = listing_mapping.listing_values(offer, codes)
            except (TypeError, ValueError, AttributeError, KeyError) as error:
                offer_id = str(listing_mapping.get(offer, "offer_id"))
                result["failures"].append((offer_id, str(error)))
                continue
            values["import_hash"] = listing_mapping.values_hash(values)
            # Not fingerprinted. A new listing imported without references waits for them
            # (OF21); one that got them keeps them until a payload brings references again.
            if "product_references" in listing_mapping.present_fields(offer):
                values["references_missing"] = False
            values_by_offer[values["offer_id"]] = values
        existing = {
            listing.offer_id: listing
            for listing in self.with_context(active_test=False).search_fetch(
                [("instance_id", "=", instance.id), ("offer_id", "in", list(values_by_offer))],
                IMPORT_READ_FIELDS,
            )
        }
        to_create, to_write, to_link = [], [], []
        for offer_id, values in values_by_offer.items():
            listing = existing.get(offer_id)
            if not listing:
                if values["deleted"]:
                    result["skipped"] += 1  # deleted before Odoo ever saw it
                else:
                    to_create.append(
                        {"references_missing": True, **values, "instance_id": instance.id}
                    )
            elif listing.import_hash != values["import_hash"]:
                to_write.append((listing, values))
            else:
                result["unchanged"] += 1
                if listing.link_mode == "auto" and not listing.product_id and listing.active:
                    to_link.append(listing)
        result["linked"] = self._mirakl_link_values(instance, to_create, to_write, to_link)
        self.create(to_create)
        result["created"] = len(to_create)
        for listing, values in to_write:
            listing.write(values)
        result["updated"] = len(to_write) + result["linked"]
        result["unchanged"] -= result["linked"]
        return result

    @api.model
    def _mirakl_link_values(self, instance, to_create, to_write, to_link):
        """Add the automatic product link to the values of new and changed listings, and link
        the unchanged unmatched ``to_link`` listings whose product now exists. One product
        query per matching step for the whole batch; returns how many of ``to_link`` got one."""
        targets = [(values, values) for values in to_create]
        targets += [
            ({**listing._mirakl_match_values(), **values}, values)
            for listing, values in to_write
            if listing.link_mode == "auto" and not values["deleted"]
        ]
        targets += [(listing._mirakl_match_values(), listing) for listing in to_link]
        product_ids = self._mirakl_find_products(instance, [match for match, _ in targets])
        linked = 0
        for (_match, target), product_id in zip(targets, product_ids, strict=True):
            if isinstance(target, dict):
                target.update(product_id=product_id, link_mode="auto")
            elif product_id:
                target.write({"product_id": product_id, "link_mode": "auto"})
                linked += 1
        return linked

    def _mirakl_match_values(self):
        """The values product matching looks at, from the stored listing."""
        self.ensure_one()
        return {name: self[name] for name in ("shop_sku", *listing_mapping.BARCODE_FIELDS)}

    @api.model
    def _mirakl_find_products(self, instance, values_list):
        """The product id (or False) of each listing values of ``values_list``, trying the
        Marketplace's matching steps in order; each step is one query for the whole list."""
        product_ids = [False] * len(values_list)
        for step in MATCH_STEPS[instance.listing_match_order or "sku_then_barcode"]:
            todo = [index for index, product_id in enumerate(product_ids) if not product_id]
            if step == "sku":
                field = "default_code"
                keys = {
                    i: [values_list[i]["shop_sku"]] for i in todo if values_list[i].get("shop_sku")
                }
            else:
                field = "barcode"
                keys = {i: listing_mapping.barcode_candidates(values_list[i]) for i in todo}
            products = self._mirakl_products_by(
                instance.company_id,
                field,
                {key for candidates in keys.values() for key in candidates},
            )
            for index, candidates in keys.items():
                product_ids[index] = next(
                    (products[key] for key in candidates if products.get(key)), False
                )
        return product_ids

    @api.model
    def _mirakl_products_by(self, company, field, keys):
        """``{key: product id}`` of the active products of ``company`` (or shared by all
        companies) whose ``field`` is one of ``keys``. A company's own product wins over a
        shared one; a key held by several products is ambiguous and maps to nothing."""
        if not keys:
            return {}
        products = (
            self.env["product.product"]
            .sudo()
            .search_fetch(
                [(field, "in", list(keys)), ("company_id", "in", [company.id, False])],
                [field, "company_id"],
            )
        )
        candidates = {}
        for product in products:
            candidates.setdefault(product[field], []).append(product)
        matches = {}
        for key, found in candidates.items():
            found = [product for product in found if product.company_id] or found
            matches[key] = found[0].id if len(found) == 1 else False
        return matches

    @api.model
    def _mirakl_references_missing_domain(self, instance):
        """Listings that wait for their product references to find their product: active,
        linked automatically, imported without references (OF54 has none) and without any
        barcode yet; and without product, unless the barcode is tried before the SKU (a link
        by SKU is then only the fallback)."""
        domain = [
            ("instance_id", "=", instance.id),
            ("active", "=", True),
            ("link_mode", "=", "auto"),
            ("references_missing", "=", True),
            *[(field, "=", False) for field in listing_mapping.BARCODE_FIELDS],
        ]
        if instance.listing_match_order != "barcode_then_sku":
            domain.append(("product_id", "=", False))
        return domain

    @api.model
    def _mirakl_enrich_references(self, instance, offers):
        """Complete, from one page of OF21 ``offers`` (raw dicts), the listings of those offers
        that wait for their references (see ``_mirakl_references_missing_domain``):
        references, and the title when the listing has none, then match their products again.

        One query reads the page's listings, one per matching step finds their products, and
        the writes are flushed together. Returns ``(enriched, relinked)`` counts.
        """
        offers_by_id = {str(listing_mapping.get(offer, "offer_id")): offer for offer in offers}
        listings = self.search_fetch(
            [
                *self._mirakl_references_missing_domain(instance),
                ("offer_id", "in", list(offers_by_id)),
            ],
            ["offer_id", "title", "shop_sku", "product_id", *listing_mapping.BARCODE_FIELDS],
        )
        for listing in listings:
            offer = offers_by_id[listing.offer_id]
            references = listing_mapping.get(offer, "product_references")
            values = listing_mapping.reference_values(
                references if isinstance(references, list) else []
            )
            values["references_missing"] = False
            title = listing_mapping.get(offer, "product_title")
            if title and isinstance(title, str) and not listing.title:
                values["title"] = title
            listing.write(values)
        product_ids = self._mirakl_find_products(
            instance, [listing._mirakl_match_values() for listing in listings]
        )
        relinked = 0
        for listing, product_id in zip(listings, product_ids, strict=True):
            if product_id != listing.product_id.id:
                listing.write({"product_id": product_id, "link_mode": "auto"})
                relinked += 1
        self.env.flush_all()
        return len(listings), relinked

    @api.model
    def _mirakl_archive_missing(self, instance, offer_ids):
        """Archive the listings of ``instance`` whose offer is not in ``offer_ids`` (a full
        export lists every live offer). Their fingerprint is cleared, so an offer that comes
        back is written again. Returns how many were archived."""
        missing = self.search(
            [("instance_id", "=", instance.id), ("offer_id", "not in", list(offer_ids))]
        )
        missing.write({"active": False, "deleted": True, "import_hash": False})
        return len(missing)
