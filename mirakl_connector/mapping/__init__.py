"""Pure functions turning Mirakl payloads into Odoo values: no ``odoo`` import, no database."""
