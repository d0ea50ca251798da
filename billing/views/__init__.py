"""billing's pages: each role's home (home.py), staff onboarding (staff.py), billing admin (admin_pages.py)."""
