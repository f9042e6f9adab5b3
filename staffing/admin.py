from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from staffing.models import User


@admin.register(User)
class StaffingUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active")
    list_filter = ("groups", "is_active", "is_staff")
