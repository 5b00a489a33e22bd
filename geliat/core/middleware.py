from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Bahasa Indonesia unless the person chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show
    English to officers whose cheap phones came set to English; here only an explicit
    choice (the language cookie set by the switcher) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
