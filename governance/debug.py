"""Error reports that show no personal data.

A traceback's frames hold comments, their matches' excerpts (the phone or
insurance number found) and answers in their local variables. Django's error
page (``DEBUG=1``) and the reports mailed or logged on errors would show them
all; here every variable and every posted value is shown by name only.
"""

from django.views.debug import SafeExceptionReporterFilter


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request):
        # Also with DEBUG on: development databases are copies of real ones.
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
