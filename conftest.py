pytest_plugins = ["gongjian_shared.testing"]
