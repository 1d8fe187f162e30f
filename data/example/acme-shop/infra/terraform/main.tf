terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

resource "aws_db_instance" "shop" {
  identifier          = "acme-shop"
  engine              = "postgres"
  engine_version      = "16"
  instance_class      = "db.t4g.small"
  allocated_storage   = 20
  backup_retention_period = 7
  skip_final_snapshot = false
}
