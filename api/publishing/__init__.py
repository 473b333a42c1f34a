"""Publishing: frozen channel views and the render they trigger."""
