from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews registry"

    def ready(self):
        from .history.tracking import track

        track(
            {
                "reviews.umbrellareview": "",
                "reviews.researchquestion": "umbrella",
                "reviews.includedreview": "umbrella",
                "reviews.report": "review__umbrella",
                "reviews.excludedreview": "umbrella",
                "reviews.primarystudy": "umbrella",
                "reviews.studyreport": "study__umbrella",
                "reviews.inclusion": "review__umbrella",
                "reviews.reportedinclusionfrequency": "umbrella",
                "reviews.implementationfactor": "umbrella",
                "reviews.experiencetheme": "umbrella",
                "reviews.experiencesubtheme": "theme__umbrella",
                "reviews.prismaflow": "umbrella",
                "reviews.keyfindingnarrative": "umbrella",
            }
        )
