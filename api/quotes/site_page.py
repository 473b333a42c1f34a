"""Pages the API answers with, dressed as the organisation's catalog site.

They use the same templates, theme and Jinja environment as the generator,
so they look like every other page of the site and link to its stylesheet.
"""

from __future__ import annotations

from typing import Any

from api.settings import get_settings
from sitegen.build import collect_assets, make_environment, theme_loader
from sitegen.model import SiteConfig


def render_site_page(config: SiteConfig, template: str, data: dict[str, Any]) -> str:
    """``template`` rendered with ``data`` as the site of ``config`` would."""
    settings = get_settings()
    theme = settings.themes_dir / config.theme
    loader = theme_loader(settings.templates_dir, theme)
    env = make_environment(loader, config, collect_assets(theme / "static"))
    return env.get_template(template).render(data)
