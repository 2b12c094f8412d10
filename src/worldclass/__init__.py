"""worldclass: World Class certification on the customers' judgment, and the CX Best Practice Awards."""
